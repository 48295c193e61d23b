package io.spore.cli;

/** A failure the user can fix; its message says what is wrong and what to do. */
public class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
    }
}
