package com.kartshoppe.feedback.learning;

/** What tests outside this package need to know of {@link LearnerState}. */
public final class LearningTestSupport {

    private LearningTestSupport() {}

    /** Whether {@link AdapterTraining} holds the example back from training. */
    public static boolean heldBack(String predictionId, double share) {
        return LearnerState.heldBack(predictionId, share);
    }
}
