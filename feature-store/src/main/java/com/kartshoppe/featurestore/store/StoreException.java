package com.kartshoppe.featurestore.store;

/** The online store could not be read or written; the message names the store. */
public final class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
