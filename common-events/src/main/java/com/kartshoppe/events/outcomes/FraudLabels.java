package com.kartshoppe.events.outcomes;

import com.kartshoppe.events.FraudLabel;
import com.kartshoppe.events.FraudLabelType;

/**
 * What a fraud label says about its order: fraud for a chargeback or a confirmed fraud, legitimate
 * when cleared. Every place that turns labels into outcomes (the feedback job, backtest reports,
 * training data) asks here.
 *
 * <pre>{@code
 * int outcome = FraudLabels.isFraud(label) ? 1 : 0;
 * }</pre>
 */
public final class FraudLabels {

    /**
     * The fraud type of a chargeback on a legitimate order (a customer disputing their own
     * purchase): fraud by its label, but nothing in the order's behaviour can tell it apart.
     */
    public static final String FRIENDLY_FRAUD = "friendly-fraud";

    private FraudLabels() {}

    /** Whether the label marks its order as fraud: any label but {@code CLEARED}. */
    public static boolean isFraud(FraudLabel label) {
        return label.getLabel() != FraudLabelType.CLEARED;
    }
}
