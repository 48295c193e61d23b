package io.spore.image.cbor;

import java.io.IOException;

/** Bytes that are not strict DAG-CBOR (or exceed a bound this decoder sets). */
public final class CborException extends IOException {
    public CborException(String message) {
        super(message);
    }
}
