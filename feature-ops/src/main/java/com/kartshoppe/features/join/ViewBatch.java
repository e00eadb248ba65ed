package com.kartshoppe.features.join;

import java.util.Arrays;

/** Product views of one shopper that close in the same second: parallel arrays. A Flink POJO. */
public class ViewBatch {

    public String[] products = new String[0];
    public long[] times = new long[0];

    /** For Flink's POJO serializer. */
    public ViewBatch() {}

    ViewBatch plus(String product, long time) {
        ViewBatch b = new ViewBatch();
        b.products = Arrays.copyOf(products, products.length + 1);
        b.times = Arrays.copyOf(times, times.length + 1);
        b.products[products.length] = product;
        b.times[times.length] = time;
        return b;
    }
}
