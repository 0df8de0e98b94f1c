package dev.incidentgateway.security;

/**
 * A bearer token that does not authenticate anyone: answered 401 with {@code WWW-Authenticate: Bearer}.
 * Not final: {@link IdentityProviderUnavailableException} says "cannot check now" rather than "wrong token".
 */
public class InvalidCredentialException extends Exception {
    public InvalidCredentialException(String message) {
        super(message);
    }

    public InvalidCredentialException(String message, Throwable cause) {
        super(message, cause);
    }
}
