package io.spore.cli.daemon;

/** A request the API refuses; {@code status} is the HTTP status, the message one line for the user. */
final class ApiException extends RuntimeException {
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }
}
