package dev.incidentgateway.connectors.http;

/**
 * A vendor site reached with HTTP Basic auth (Jira's e-mail:API token, ServiceNow's user:password): its base URL and
 * the {@code Authorization} header, derived once here for the sink and the poller of every such vendor.
 */
public interface BasicAuthSite {
    /** The site's URL as configured (a trailing slash allowed). */
    String url();

    /** The Basic-auth user (account e-mail, integration user). */
    String user();

    /** The Basic-auth secret (API token, password); never logged. */
    String secret();

    /** The site URL without a trailing slash. */
    default String baseUrl() {
        return url().replaceAll("/+$", "");
    }

    /** {@code Authorization} value: Basic base64(user:secret). */
    default String authorization() {
        return VendorHttp.basicAuth(user(), secret());
    }
}
