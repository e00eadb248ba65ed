package com.kartshoppe.features.quality;

import com.kartshoppe.events.ClickEvent;
import com.kartshoppe.events.LoginEvent;
import com.kartshoppe.events.OrderEvent;
import com.kartshoppe.events.OrderItem;
import com.kartshoppe.events.PaymentEvent;
import com.kartshoppe.events.money.Currencies;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Puts valid events into canonical form, in place: identifiers trimmed, device ids, IPs and country
 * codes lower-cased, and every amount converted to euro minor units (cents) with the configured
 * rate table, its currency set to {@code EUR}. Downstream features compare and add without caring
 * where an event came from.
 *
 * <pre>{@code
 * Normalizer normalizer = new Normalizer(Map.of("USD", new BigDecimal("1.10")));
 * normalizer.normalize(order); // order.getCurrency() is now "EUR"
 * }</pre>
 */
public final class Normalizer implements Serializable {

    private static final long serialVersionUID = 1L;

    private final TreeMap<String, BigDecimal> perEuro;

    /**
     * @param overrides units of a currency per euro, replacing the reference rates of {@link
     *     Currencies} for those codes
     * @throws IllegalArgumentException naming a code that is not a known currency or a rate that is
     *     not positive
     */
    public Normalizer(Map<String, BigDecimal> overrides) {
        this.perEuro = new TreeMap<>();
        for (String code : Currencies.codes()) {
            perEuro.put(code, Currencies.perEuro(code));
        }
        overrides.forEach(
                (code, rate) -> {
                    if (!Currencies.isKnown(code)) {
                        throw new IllegalArgumentException(
                                "Currency rate for unknown currency '"
                                        + code
                                        + "'; known: "
                                        + perEuro.keySet());
                    }
                    if (rate.signum() <= 0) {
                        throw new IllegalArgumentException(
                                "Currency rate for " + code + " must be positive, got " + rate);
                    }
                    perEuro.put(code, rate);
                });
    }

    /** The currencies this normaliser can convert. */
    public Set<String> currencies() {
        return perEuro.keySet();
    }

    /** Normalises a valid event in place and returns it. */
    public <T extends SpecificRecordBase> T normalize(T record) {
        if (record instanceof ClickEvent c) {
            c.setUserId(c.getUserId().trim());
            c.setSessionId(c.getSessionId().trim());
            c.setDeviceId(lower(c.getDeviceId()));
            c.setIp(lower(c.getIp()));
            c.setProductId(trim(c.getProductId()));
            c.setCategory(trim(c.getCategory()));
        } else if (record instanceof OrderEvent o) {
            o.setUserId(o.getUserId().trim());
            o.setOrderId(o.getOrderId().trim());
            o.setDeviceId(lower(o.getDeviceId()));
            o.setIp(lower(o.getIp()));
            o.setShippingCountry(lower(o.getShippingCountry()));
            String currency = o.getCurrency().trim().toUpperCase(Locale.ROOT);
            o.setAmountMinor(toEuroMinor(o.getAmountMinor(), currency));
            for (OrderItem item : o.getItems()) {
                item.setUnitPriceMinor(toEuroMinor(item.getUnitPriceMinor(), currency));
            }
            o.setCurrency(Currencies.BASE);
        } else if (record instanceof PaymentEvent p) {
            p.setUserId(p.getUserId().trim());
            p.setOrderId(p.getOrderId().trim());
            p.setCardFingerprint(p.getCardFingerprint().trim());
            p.setBinCountry(lower(p.getBinCountry()));
            p.setDeviceId(lower(p.getDeviceId()));
            p.setIp(lower(p.getIp()));
            p.setAmountMinor(
                    toEuroMinor(
                            p.getAmountMinor(), p.getCurrency().trim().toUpperCase(Locale.ROOT)));
            p.setCurrency(Currencies.BASE);
        } else if (record instanceof LoginEvent l) {
            l.setUserId(l.getUserId().trim());
            l.setDeviceId(lower(l.getDeviceId()));
            l.setIp(lower(l.getIp()));
            l.setCountry(lower(l.getCountry()));
        }
        return record;
    }

    /** Minor units of {@code currency} in euro cents, rounded half-even. */
    public long toEuroMinor(long minor, String currency) {
        BigDecimal rate = perEuro.get(currency);
        if (rate == null) {
            throw new IllegalArgumentException("No exchange rate for currency '" + currency + "'");
        }
        return Currencies.toBaseMinor(minor, currency, rate);
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static String lower(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }
}
