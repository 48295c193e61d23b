package io.spore.nspawn;

/** A failure the user can act on; the message is one line naming the problem and the fix. */
public class NspawnException extends RuntimeException {
    public NspawnException(String message) {
        super(message);
    }

    public NspawnException(String message, Throwable cause) {
        super(message, cause);
    }
}
