package com.kartshoppe.features.window;

/**
 * The last {@code capacity} amounts of an entity (for example a shopper's order totals), in minor
 * units, for a rolling mean and standard deviation and the z-score of a new amount against them.
 *
 * <p>Exact semantics: mean and population standard deviation of the amounts added so far, the
 * oldest dropped once there are more than {@code capacity}, in arrival order. Amounts are whole
 * minor units, so "all amounts equal" is decided exactly: then the spread is 0, never a rounding
 * residue that would make a one-cent difference look like a huge z-score.
 *
 * <p>A Flink POJO: public fields and a no-argument constructor, so it can live in keyed state.
 */
public class AmountHistory {

    public long[] amounts;
    public int count;
    public int next;

    /** For Flink's POJO serializer. */
    public AmountHistory() {}

    public static AmountHistory of(int capacity) {
        AmountHistory h = new AmountHistory();
        h.amounts = new long[capacity];
        return h;
    }

    public void add(long minorUnits) {
        amounts[next] = minorUnits;
        next = (next + 1) % amounts.length;
        count = Math.min(count + 1, amounts.length);
    }

    /** How many amounts the statistics cover. */
    public int size() {
        return count;
    }

    /** Mean, in minor units. */
    public double mean() {
        if (count == 0) {
            return 0;
        }
        long sum = 0;
        for (int i = 0; i < count; i++) {
            sum += amounts[i];
        }
        return (double) sum / count;
    }

    /** Population standard deviation, in minor units; exactly 0 when all amounts are equal. */
    public double std() {
        if (count == 0 || allEqual()) {
            return 0;
        }
        double mean = mean();
        double squares = 0;
        for (int i = 0; i < count; i++) {
            double d = amounts[i] - mean;
            squares += d * d;
        }
        return Math.sqrt(squares / count);
    }

    /** {@code (amount - mean) / std}, or 0 with fewer than two amounts or no spread. */
    public double zScore(long minorUnits) {
        double std = std();
        return count < 2 || std == 0 ? 0 : (minorUnits - mean()) / std;
    }

    private boolean allEqual() {
        for (int i = 1; i < count; i++) {
            if (amounts[i] != amounts[0]) {
                return false;
            }
        }
        return true;
    }
}
