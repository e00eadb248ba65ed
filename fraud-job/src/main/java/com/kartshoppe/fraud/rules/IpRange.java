package com.kartshoppe.fraud.rules;

import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range in CIDR notation ({@code 203.0.113.0/24}, {@code 2001:db8::/32}),
 * or a single address. Parsing never looks a name up: only address literals are accepted.
 */
public final class IpRange implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern V4 = Pattern.compile("[0-9.]+");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final String text;
    private final byte[] network;
    private final int prefix;

    private IpRange(String text, byte[] network, int prefix) {
        this.text = text;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with {@code cidr}
     */
    public static IpRange parse(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException(
                    "'" + cidr + "' is not an IP address or CIDR range (e.g. 203.0.113.0/24)");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException(
                        "'" + cidr + "' has a prefix length outside 0.." + bits);
            }
        }
        return new IpRange(cidr, mask(bytes, prefix), prefix);
    }

    /** Whether {@code ip} (an address literal) is in the range; false for anything else. */
    public boolean contains(String ip) {
        byte[] bytes = literal(ip);
        return bytes != null
                && bytes.length == network.length
                && Arrays.equals(mask(bytes, prefix), network);
    }

    private static byte[] literal(String address) {
        if (address.isEmpty()
                || !(V4.matcher(address).matches() || V6.matcher(address).matches())) {
            return null;
        }
        if (V4.matcher(address).matches() && address.split("\\.", -1).length != 4) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            masked[i] &= (byte) (0xFF << (8 - keep));
        }
        return masked;
    }

    @Override
    public String toString() {
        return text;
    }
}
