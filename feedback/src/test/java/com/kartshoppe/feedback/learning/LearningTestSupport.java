package com.kartshoppe.feedback.learning;

import java.util.ArrayList;
import java.util.List;

/** What tests outside this package need to know of {@link LearnerState}. */
public final class LearningTestSupport {

    private LearningTestSupport() {}

    /** The first {@code n} ids {@code <prefix><i>} that are (or are not) held back. */
    static List<String> ids(String prefix, boolean heldBack, int n, double share) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; ids.size() < n; i++) {
            if (LearnerState.heldBack(prefix + i, share) == heldBack) {
                ids.add(prefix + i);
            }
        }
        return ids;
    }

    /** Whether {@link AdapterTraining} holds the example back from training. */
    public static boolean heldBack(String predictionId, double share) {
        return LearnerState.heldBack(predictionId, share);
    }
}
