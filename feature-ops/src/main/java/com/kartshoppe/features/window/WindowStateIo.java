package com.kartshoppe.features.window;

import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Compact binary form of the window structures, for the state serializers of the classes that hold
 * them ({@code ActivityStateSerializer}, {@code CommerceStateSerializer}). Flink's POJO serializer
 * writes every slot of every array through reflection; this writes only the slots in use (a ring's
 * filled buckets, a set's members, a history's amounts), which is what an event on RocksDB pays for
 * twice (read and write).
 *
 * <p>Each structure is preceded by a presence byte, so null fields (a POJO built by its no-argument
 * constructor) survive a round trip. The layout is versioned by the serializer snapshots that use
 * it.
 */
public final class WindowStateIo {

    private WindowStateIo() {}

    public static void write(SlidingBuckets b, DataOutputView out) throws IOException {
        out.writeBoolean(b != null);
        if (b == null) {
            return;
        }
        out.writeLong(b.bucketMillis);
        out.writeInt(b.windowBuckets);
        out.writeInt(b.slackBuckets);
        out.writeLong(b.newestBucket);
        int capacity = b.bucketIds.length;
        out.writeInt(capacity);
        int filled = 0;
        for (long id : b.bucketIds) {
            if (id != SlidingBuckets.EMPTY) {
                filled++;
            }
        }
        out.writeInt(filled);
        for (int i = 0; i < capacity; i++) {
            if (b.bucketIds[i] != SlidingBuckets.EMPTY) {
                out.writeInt(i);
                out.writeLong(b.bucketIds[i]);
                out.writeLong(b.counts[i]);
                out.writeDouble(b.sums[i]);
            }
        }
    }

    public static SlidingBuckets readSlidingBuckets(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        SlidingBuckets b = new SlidingBuckets();
        b.bucketMillis = in.readLong();
        b.windowBuckets = in.readInt();
        b.slackBuckets = in.readInt();
        b.newestBucket = in.readLong();
        int capacity = in.readInt();
        b.bucketIds = new long[capacity];
        Arrays.fill(b.bucketIds, SlidingBuckets.EMPTY);
        b.counts = new long[capacity];
        b.sums = new double[capacity];
        int filled = in.readInt();
        for (int n = 0; n < filled; n++) {
            int i = in.readInt();
            b.bucketIds[i] = in.readLong();
            b.counts[i] = in.readLong();
            b.sums[i] = in.readDouble();
        }
        return b;
    }

    public static SlidingBuckets copy(SlidingBuckets b) {
        if (b == null) {
            return null;
        }
        SlidingBuckets c = new SlidingBuckets();
        c.bucketMillis = b.bucketMillis;
        c.windowBuckets = b.windowBuckets;
        c.slackBuckets = b.slackBuckets;
        c.newestBucket = b.newestBucket;
        c.bucketIds = b.bucketIds.clone();
        c.counts = b.counts.clone();
        c.sums = b.sums.clone();
        return c;
    }

    public static void write(RecentDistinct d, DataOutputView out) throws IOException {
        out.writeBoolean(d != null);
        if (d == null) {
            return;
        }
        out.writeInt(d.capacity);
        out.writeLong(d.retentionMillis);
        out.writeLong(d.newestMillis);
        out.writeInt(d.values.length);
        out.writeInt(d.size);
        for (int i = 0; i < d.size; i++) {
            StringValue.writeString(d.values[i], out);
            out.writeLong(d.firstSeen[i]);
            out.writeLong(d.lastSeen[i]);
        }
    }

    public static RecentDistinct readRecentDistinct(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        RecentDistinct d = new RecentDistinct();
        d.capacity = in.readInt();
        d.retentionMillis = in.readLong();
        d.newestMillis = in.readLong();
        int length = in.readInt();
        d.values = new String[length];
        d.firstSeen = new long[length];
        d.lastSeen = new long[length];
        d.size = in.readInt();
        for (int i = 0; i < d.size; i++) {
            d.values[i] = StringValue.readString(in);
            d.firstSeen[i] = in.readLong();
            d.lastSeen[i] = in.readLong();
        }
        return d;
    }

    public static RecentDistinct copy(RecentDistinct d) {
        if (d == null) {
            return null;
        }
        RecentDistinct c = new RecentDistinct();
        c.capacity = d.capacity;
        c.retentionMillis = d.retentionMillis;
        c.newestMillis = d.newestMillis;
        c.size = d.size;
        c.values = d.values.clone();
        c.firstSeen = d.firstSeen.clone();
        c.lastSeen = d.lastSeen.clone();
        return c;
    }

    public static void write(AmountHistory h, DataOutputView out) throws IOException {
        out.writeBoolean(h != null);
        if (h == null) {
            return;
        }
        out.writeInt(h.amounts.length);
        out.writeInt(h.count);
        out.writeInt(h.next);
        // Slots at and beyond count have never been written (the ring fills from 0): all zero.
        for (int i = 0; i < h.count; i++) {
            out.writeLong(h.amounts[i]);
        }
    }

    public static AmountHistory readAmountHistory(DataInputView in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        AmountHistory h = new AmountHistory();
        h.amounts = new long[in.readInt()];
        h.count = in.readInt();
        h.next = in.readInt();
        for (int i = 0; i < h.count; i++) {
            h.amounts[i] = in.readLong();
        }
        return h;
    }

    public static AmountHistory copy(AmountHistory h) {
        if (h == null) {
            return null;
        }
        AmountHistory c = new AmountHistory();
        c.amounts = h.amounts.clone();
        c.count = h.count;
        c.next = h.next;
        return c;
    }
}
