package com.kartshoppe.inference.model;

/** A model file that may not serve, with the reason; the message names the file. */
public final class ModelRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String reason;

    public ModelRejectedException(String file, String reason) {
        super("Rejected model " + file + ": " + reason);
        this.reason = reason;
    }

    public ModelRejectedException(String file, String reason, Throwable cause) {
        super("Rejected model " + file + ": " + reason, cause);
        this.reason = reason;
    }

    /** Why, without the file name. */
    public String reason() {
        return reason;
    }
}
