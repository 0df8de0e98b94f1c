package dev.incidentgateway.api;

import org.apache.camel.Exchange;
import org.apache.camel.RuntimeCamelException;

/**
 * What {@link ApiEndpoint} does around one handler, as steps of a YAML route over platform-http whose flow is spelled
 * out step by step: the same request checks first, the same reply last, and the same problem+json for any failure
 * (the route's {@code onException} calls {@link #replyProblem}). The answers are byte for byte those of an
 * {@link ApiEndpoint}.
 */
public final class ApiRouteSteps {
    /** Exchange property caching the {@link ApiRequest}: its body is a stream that a second read would find empty. */
    static final String REQUEST_PROPERTY = "gateway.apiRequest";

    /** The instance bound for YAML routes' {@code onException} ({@link #replyProblem}). */
    public static final String PROBLEMS_BEAN = "apiProblems";

    private final ApiEndpoint.Settings settings;

    public ApiRouteSteps(ApiEndpoint.Settings settings) {
        this.settings = settings;
    }

    /** How failures become problems, for a step that renames a problem's field before {@link #replyProblem}. */
    public ProblemMapper problems() {
        return settings.problems();
    }

    /** The HTTP request of this exchange, read once and kept for the later steps. */
    public static ApiRequest request(Exchange exchange) {
        ApiRequest request = exchange.getProperty(REQUEST_PROPERTY, ApiRequest.class);
        if (request == null) {
            request = new ApiRequest(exchange);
            exchange.setProperty(REQUEST_PROPERTY, request);
        }
        return request;
    }

    /** The checks of a JSON-body endpoint: 413 above the body limit, 415 for anything but JSON. */
    public ApiRequest checkJsonBody(Exchange exchange) {
        ApiRequest request = request(exchange);
        ApiEndpoint.checkBody(request, settings.maxBodyBytes());
        return request;
    }

    /** Replies {@code response}, dropping every request header first (platform-http would echo them). */
    public static void reply(Exchange exchange, ApiResponse response) {
        ApiEndpoint.reply(exchange.getMessage(), response);
    }

    /**
     * For the route's {@code onException}: the caught failure answered as problem+json through {@link ProblemMapper};
     * a body the route's steps could not read is the sender's 400 ({@link RouteInputFailures}).
     */
    public void replyProblem(Exchange exchange) {
        answerFailure(exchange, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    /** {@link #replyProblem} for {@code caught}: also what an HTTP route's failure no configuration handled gets. */
    void answerFailure(Exchange exchange, Throwable caught) {
        Throwable failure = RouteInputFailures.classify(caught, exchange);
        while (failure instanceof RuntimeCamelException wrapper && wrapper.getCause() != null) {
            failure = wrapper.getCause(); // a bean step's checked exception arrives wrapped
        }
        answerProblem(exchange, failure);
    }

    /** Replies {@code failure} as problem+json through {@link ProblemMapper}. */
    void answerProblem(Exchange exchange, Throwable failure) {
        reply(exchange, ApiEndpoint.problemResponse(failure, request(exchange).path(), settings.problems()));
    }
}
