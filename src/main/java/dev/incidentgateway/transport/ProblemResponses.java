package dev.incidentgateway.transport;

import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ProblemMapper;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * An {@link ApiProblem} as the whole answer of a Vert.x response, for the handlers that answer before or beside Camel's
 * routes (the edge's refusals, requests no route takes, the live stream's refusals); the routes answer through
 * {@code ApiEndpoint}. The caller checks first that the response can still be written.
 */
public final class ProblemResponses {
    private ProblemResponses() {
    }

    /** Ends {@code response} with the problem's status and headers and {@code body} (its rendering) as problem+json. */
    public static Future<Void> end(HttpServerResponse response, ApiProblem problem, byte[] body) {
        // Also on the answers written before the edge's own headers are set (a path or request the server's parser
        // refused): every answer is nosniff, and a refusal is never worth caching.
        response.setStatusCode(problem.status()).putHeader("Content-Type", ProblemMapper.CONTENT_TYPE)
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-store");
        problem.headers().forEach(response::putHeader);
        return response.end(Buffer.buffer(body));
    }
}
