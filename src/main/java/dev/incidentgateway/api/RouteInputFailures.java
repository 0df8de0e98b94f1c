package dev.incidentgateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.jayway.jsonpath.InvalidJsonException;
import com.jayway.jsonpath.PathNotFoundException;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.ExpressionEvaluationException;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.camel.StreamCache;
import org.apache.camel.TypeConversionException;
import org.apache.camel.jsonpath.JsonPathExpression;

import java.io.InputStream;

/**
 * Which failures of a step in a user's HTTP route are the sender's bad input: the body the step read is not JSON
 * ({@code jsonpath}, {@code unmarshal: json}, Jackson) or not the type the step converts it to
 * ({@code convertBodyTo}, a bean's mandatory body). Those are the sender's 400 naming {@code body}, not the
 * {@code 500 internal-error} every exception the gateway does not know became: a sender told "our fault" retries a
 * request that can never succeed, and the operator gets an ERROR for each.
 *
 * <p>Once the route has called a target ({@code http:}/{@code https:} put the target's {@code CamelHttpResponseCode}
 * on the message; a sender cannot set {@code Camel*} headers, platform-http filters them out), the body is the
 * target's answer, and an answer that does not parse is not the sender's fault: those failures stay as they were.
 */
final class RouteInputFailures {
    /** How deep a cause chain is followed (jsonpath wraps the parser's exception two or three times). */
    private static final int MAX_DEPTH = 8;
    private static final int MAX_DETAIL = 200;

    private RouteInputFailures() {
    }

    /** {@code failure} as the sender's 400 when it is bad input read from the request; else {@code failure} itself. */
    static Throwable classify(Throwable failure, Exchange exchange) {
        if (failure == null || failure instanceof ApiProblem || exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE) != null) {
            return failure;
        }
        boolean invalidJson = false;
        Throwable deepest = failure;
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StreamReadException || t instanceof MismatchedInputException) {
                return ApiProblem.malformedJson("The body", (JsonProcessingException) t);
            }
            if (t.getClass().getName().startsWith("dev.incidentgateway.")) {
                return failure; // the gateway's own exception: ProblemMapper knows what it means
            }
            if (t instanceof ExpressionEvaluationException e && e.getExpression() instanceof JsonPathExpression
                    && e.getCause() instanceof PathNotFoundException missing) {
                return missingPath(e.getExpression(), missing);
            }
            invalidJson |= t instanceof InvalidJsonException;
            if (t instanceof InvalidPayloadException e) {
                return unreadableAs(e.getType());
            }
            if (t instanceof NoTypeConversionAvailableException e && isRequestBody(e.getValue())) {
                return unreadableAs(e.getToType());
            }
            if (t instanceof TypeConversionException e && isRequestBody(e.getValue())) {
                return unreadableAs(e.getToType());
            }
            deepest = t;
        }
        if (invalidJson) { // a parser other than Jackson (json-smart): its own words, cut
            String words = deepest.getMessage() == null ? "" : ": " + deepest.getMessage();
            return ApiProblem.malformedJson("The body is not valid JSON" + (words.length() > MAX_DETAIL ? words.substring(0, MAX_DETAIL) + "…" : words));
        }
        return failure;
    }

    /** The body as platform-http hands it in, or as text: not something a route made (a Map, a number). */
    private static boolean isRequestBody(Object value) {
        return value instanceof byte[] || value instanceof String || value instanceof InputStream || value instanceof Buffer
                || value instanceof StreamCache;
    }

    /** 400 naming the expression the route wrote ({@code $.alert.name}) as the field, with Jayway's first sentence. */
    private static ApiProblem missingPath(Expression jsonpath, PathNotFoundException missing) {
        // JsonPathExpression has no getter for its text; its toString is "jsonpath[<expression>]"
        String text = jsonpath.toString();
        String path = text.startsWith("jsonpath[") && text.endsWith("]") ? text.substring("jsonpath[".length(), text.length() - 1) : "body";
        String words = missing.getMessage() == null ? "" : missing.getMessage();
        int sentence = words.indexOf(". "); // what follows names Jayway's JSON provider class
        words = sentence > 0 ? words.substring(0, sentence) : words;
        words = words.length() > MAX_DETAIL ? words.substring(0, MAX_DETAIL) + "…" : words;
        return ApiProblem.invalidField(path, "The body has no value at " + path + (words.isEmpty() ? "." : " (" + words + ")."));
    }

    private static ApiProblem unreadableAs(Class<?> type) {
        return ApiProblem.invalidField("body", "The body could not be read as " + (type == null ? "what this route expects" : type.getSimpleName()) + ".");
    }
}
