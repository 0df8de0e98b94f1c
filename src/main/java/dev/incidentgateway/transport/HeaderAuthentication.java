package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiProblem;

import java.util.Map;

/**
 * Who sent a request, told from its headers alone, before its body is read ({@link EdgeGuard}): a caller without a
 * valid credential then never holds an in-flight slot while its body trickles in. The routes still check the credential
 * again with the same code once the body is in (and apply their rate limits then).
 */
@FunctionalInterface
public interface HeaderAuthentication {
    /** What the headers say. */
    sealed interface Verdict permits Authenticated, Refused, BodyNeeded {
    }

    /** The headers carry a credential the route accepts: the body may be read. */
    record Authenticated() implements Verdict {
    }

    /** The credential is missing or wrong (or cannot be checked now): answered at once, the body never read. */
    record Refused(ApiProblem problem) implements Verdict {
    }

    /**
     * Only the body can tell (a signed webhook source), or the route takes anyone (an open route, a source with
     * {@code auth.mode: none}): the body is read within the smaller budget of such requests.
     */
    record BodyNeeded() implements Verdict {
    }

    /**
     * Decided off the event loop: may block (an API key read from the store, an identity provider's keys fetched).
     *
     * @param path    the request's path (not a route template)
     * @param headers the request's headers, the first value of each name, names case-insensitive
     */
    Verdict check(String path, String method, Map<String, String> headers);

    /**
     * Whether memory alone tells that the headers carry a credential the route accepts (a token or key the last snapshot
     * holds, with the scope the route needs): decided on the event loop, no thread hop, never blocking. False means
     * "not known from memory" (a refusal, a key not seen yet, a JWT, a signed source): {@link #check} decides then. Only
     * acceptance is told here, so a refusal is still counted and answered in one place.
     */
    default boolean acceptedFromMemory(String path, String method, Map<String, String> headers) {
        return false;
    }
}
