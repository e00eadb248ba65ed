package com.kartshoppe.events.serde;

/**
 * Caps on what one Avro record may claim to contain. Without them, a few bytes declaring a
 * 1.5-billion-character string make Avro allocate it before reading, and the job dies with an
 * {@code OutOfMemoryError} instead of dead-lettering the record.
 *
 * <p>Avro reads these system properties once, when it first decodes anything. Set them on the JVM
 * command line (the {@code kartshoppe} launcher, the tests and the deployment guide do); {@link
 * #applyDefaults()} sets any that are missing as a fallback, which only works if it runs before
 * Avro's first decode in the JVM.
 */
public final class AvroLimits {

    /** Longest string: 8 MiB. */
    public static final String STRING_MAX = "org.apache.avro.limits.string.maxLength";

    /** Longest bytes value (a dead letter's payload): 16 MiB. */
    public static final String BYTES_MAX = "org.apache.avro.limits.bytes.maxLength";

    /** Most items in one array or map: one million. */
    public static final String COLLECTION_MAX = "org.apache.avro.limits.collectionItems.maxLength";

    private AvroLimits() {}

    /** Sets every limit that is not set yet. */
    public static void applyDefaults() {
        setIfAbsent(STRING_MAX, Integer.toString(8 << 20));
        setIfAbsent(BYTES_MAX, Integer.toString(16 << 20));
        setIfAbsent(COLLECTION_MAX, Integer.toString(1_000_000));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
