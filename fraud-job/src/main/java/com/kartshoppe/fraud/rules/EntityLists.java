package com.kartshoppe.fraud.rules;

import com.kartshoppe.events.OrderEvent;
import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * An allow or deny list of a {@link RuleSet}: users, devices, client IP ranges and shipping
 * countries (ISO 3166-1 alpha-2, upper case).
 */
public record EntityLists(
        Set<String> users, Set<String> devices, List<IpRange> ipRanges, Set<String> countries)
        implements Serializable {

    public static final EntityLists EMPTY =
            new EntityLists(Set.of(), Set.of(), List.of(), Set.of());

    /**
     * What of {@code order} is on the list, as the suffix of its decision reason ({@code user},
     * {@code device}, {@code ip}, {@code country}), or null when nothing is.
     */
    public String match(OrderEvent order) {
        if (users.contains(order.getUserId())) {
            return "user";
        }
        if (devices.contains(order.getDeviceId())) {
            return "device";
        }
        for (IpRange range : ipRanges) {
            if (range.contains(order.getIp())) {
                return "ip";
            }
        }
        if (countries.contains(order.getShippingCountry())) {
            return "country";
        }
        return null;
    }

    /** Entries on the list. */
    public int size() {
        return users.size() + devices.size() + ipRanges.size() + countries.size();
    }
}
