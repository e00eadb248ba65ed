package com.kartshoppe.reco.ranking;

/** One product to rank for a request, with its reco_v1 values in definition order. A POJO. */
public class Candidate {

    public String productId;
    public String category;
    public double[] features;

    /** For Flink's POJO serializer. */
    public Candidate() {}

    public Candidate(String productId, String category, double[] features) {
        this.productId = productId;
        this.category = category;
        this.features = features;
    }
}
