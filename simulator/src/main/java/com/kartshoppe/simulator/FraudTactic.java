package com.kartshoppe.simulator;

/**
 * The fraud tactics simulated. Each leaves a learnable trace in the event streams; its {@link
 * #id()} is the {@code fraudType} that fraud operations record on the tactic's labels.
 */
public enum FraudTactic {
    /**
     * A fresh account tries many small orders over several stolen cards, most declined, then places
     * a large order with a card that worked.
     */
    CARD_TESTING("card-testing"),
    /**
     * Failed logins on a real customer's account from a new device in another country, then a
     * successful login from there and, minutes later, a high-value order shipped abroad on the
     * customer's stored card.
     */
    ACCOUNT_TAKEOVER("account-takeover"),
    /**
     * A bot registers many fresh accounts on one device and IP, and each places an order with the
     * same promotion, paying with a few shared cards.
     */
    PROMO_ABUSE("promo-abuse"),
    /**
     * The drift tactic, off until the configured drift time: dormant accounts wake up on their
     * usual device and quickly buy several gift-card orders with a domestic card new to them. None
     * of the earlier tactics' traces (declines, failed logins, new devices, shared devices) appear.
     */
    GIFT_CARD_CASHOUT("gift-card-cashout");

    private final String id;

    FraudTactic(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
