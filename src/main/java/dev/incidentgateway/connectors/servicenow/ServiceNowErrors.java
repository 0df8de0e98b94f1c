package dev.incidentgateway.connectors.servicenow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.incidentgateway.connectors.http.VendorHttp;
import dev.incidentgateway.connectors.http.HttpReply;


/**
 * Reads why ServiceNow refused a call. Its REST APIs answer errors with
 * {@code {"error": {"message": "...", "detail": "..."}, "status": "failure"}}; proxies and load balancers in
 * front of an instance may answer plain text or HTML instead, kept to one line (cut when scrubbed, {@link VendorHttp#scrub}).
 */
public final class ServiceNowErrors {

    private ServiceNowErrors() {
    }

    /**
     * @return {@code "<message>: <detail>"} from the error envelope, else the start of the body (for status 0
     *         the I/O failure), or {@code null} when there is nothing to say
     */
    public static String reason(HttpReply reply) {
        String text = reply.text().trim();
        if (text.isEmpty()) {
            return null;
        }
        JsonNode error = VendorHttp.json(reply).path("error");
        String message = error.path("message").asText("").trim();
        String detail = error.path("detail").asText("").trim();
        if (!message.isEmpty() || !detail.isEmpty()) {
            return VendorHttp.oneLine(message.isEmpty() ? detail
                    : detail.isEmpty() || detail.equals(message) ? message : message + ": " + detail);
        }
        return VendorHttp.oneLine(text);
    }
}
