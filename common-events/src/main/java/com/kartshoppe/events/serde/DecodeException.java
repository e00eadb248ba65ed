package com.kartshoppe.events.serde;

import java.io.IOException;

/** A record could not be decoded; {@link #reason()} is a machine-readable code for the DLQ. */
public final class DecodeException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The value was null or had no bytes. */
    public static final String EMPTY = "decode.empty";

    /** The bytes do not start with the Avro single-object encoding marker. */
    public static final String BAD_HEADER = "decode.bad-header";

    /** The writer schema fingerprint is not a released version of the expected type. */
    public static final String UNKNOWN_SCHEMA = "decode.unknown-schema";

    /** The header is fine but the body does not parse with the writer schema. */
    public static final String MALFORMED = "decode.malformed";

    /** A JSON-lines record is not valid Avro JSON for the expected type. */
    public static final String MALFORMED_JSON = "decode.malformed-json";

    private final String reason;

    public DecodeException(String reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
