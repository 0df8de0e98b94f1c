package dev.incidentgateway.console;

import dev.incidentgateway.api.ApiEndpoint;
import dev.incidentgateway.api.ApiProblem;
import dev.incidentgateway.api.ApiRequest;
import dev.incidentgateway.api.ApiResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator console (issue 12): {@code GET /} answers its page and {@code GET /console/{file}} its script and
 * style sheet, all read once from the jar's {@code console/} folder. Only the files named in {@link #FILES} are
 * served (no path from the request ever reaches the class loader). The page itself is open (RouteAccessPolicy): it
 * holds no data; every API call it makes carries the operator's key. The Content-Security-Policy allows only this
 * origin's scripts and connections, so nothing inline runs and nothing leaves for a CDN.
 */
public final class ConsoleRoute extends RouteBuilder {
    /** File name → content type; the page's own files, nothing else. */
    static final Map<String, String> FILES = files(List.of("console.js", "api.js", "live.js", "views.js", "sources.js",
            "outbox.js", "ui.js", "signin.js", "incident.js", "incident-actions.js", "timeline.js", "sla.js"));

    /** The page, its style sheet and its JavaScript modules (every other name is a 404). */
    private static Map<String, String> files(List<String> modules) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("index.html", "text/html; charset=utf-8");
        files.put("console.css", "text/css; charset=utf-8");
        modules.forEach(m -> files.put(m, "text/javascript; charset=utf-8"));
        return Map.copyOf(files);
    }

    static final String FEATURES = "features.json";

    /** Feature name → the path template of the endpoint that provides it (issue 12's other parts). */
    static final Map<String, String> OPTIONAL = Map.of(
            "sla", "/api/v1/incidents/{}/sla",
            "stream", "/api/v1/stream");

    private static final ObjectMapper JSON = new ObjectMapper();

    static final Map<String, String> HEADERS = Map.of(
            "Content-Security-Policy", csp(null),
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "Cache-Control", "no-cache");

    private final ApiEndpoint.Settings endpoints;
    private final Set<String> edgePaths;
    private final String oidcIssuer;
    private final ConsoleSignIn signIn;
    private final Map<String, ApiResponse> responses = new LinkedHashMap<>();

    /**
     * @param edgePaths  paths served on the HTTP edge rather than by a Camel route (the live stream), which the
     *                   route table in {@link #features} cannot see
     * @param oidcIssuer the OpenID Connect issuer whose access tokens the gateway accepts, or {@code null}: the
     *                   sign-in form then says it also takes one
     * @param signIn     the identity provider sign-in the page offers, or {@code null} (no console client id)
     */
    public ConsoleRoute(ApiEndpoint.Settings endpoints, Set<String> edgePaths, String oidcIssuer, ConsoleSignIn signIn) {
        this.endpoints = endpoints;
        this.edgePaths = Set.copyOf(edgePaths);
        this.oidcIssuer = oidcIssuer == null || oidcIssuer.isBlank() ? null : oidcIssuer;
        this.signIn = signIn;
        FILES.forEach((name, type) -> responses.put(name, new ApiResponse(200, type, read(name), HEADERS)));
    }

    @Override
    public void configure() {
        from("platform-http:/?httpMethodRestrict=GET").routeId("console-page")
                .process(endpoints.read(req -> page()));
        from("platform-http:/console/{file}?httpMethodRestrict=GET").routeId("console-files")
                .process(endpoints.read(this::file));
    }

    /**
     * The page, whose Content-Security-Policy also lets it reach the identity provider's token endpoint when the
     * sign-in is configured (the code exchange is the page's only cross-origin call).
     */
    private ApiResponse page() {
        ApiResponse page = responses.get("index.html");
        String tokenOrigin = signIn == null ? null : signIn.endpoints().map(ConsoleSignIn.Endpoints::tokenOrigin).orElse(null);
        if (tokenOrigin == null) {
            return page;
        }
        Map<String, String> headers = new LinkedHashMap<>(HEADERS);
        headers.put("Content-Security-Policy", csp(tokenOrigin));
        return new ApiResponse(page.status(), page.contentType(), page.body(), headers);
    }

    /** Only this origin's scripts, styles and connections (plus {@code extraConnect}, when not null): no CDN, nothing inline. */
    static String csp(String extraConnect) {
        return "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'" + (extraConnect == null ? "" : " " + extraConnect)
                + "; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    ApiResponse file(ApiRequest req) throws Exception {
        String name = req.pathSegment(1); // /console/{file}
        if (FEATURES.equals(name)) {
            return features();
        }
        ApiResponse response = name == null ? null : responses.get(name);
        if (response == null) {
            throw ApiProblem.notFound("the console has no file " + name);
        }
        return response;
    }

    /**
     * {@code /console/features.json}: which optional API endpoints this gateway has (the SLA clock, the event stream),
     * read from the running routes, the OpenID Connect issuer when one is configured ({@code oidcIssuer}) and the sign-in
     * at it when the console has a client id ({@code oidcSignIn}, see {@link ConsoleSignIn#describe}). The page
     * asks here instead of probing them: a probe's 404 would be an error in the browser's console, and an endpoint
     * added later is picked up without changing the page.
     */
    private ApiResponse features() throws Exception {
        Set<String> paths = getContext().getRoutes().stream()
                .map(Route::getEndpoint)
                .filter(PlatformHttpEndpoint.class::isInstance)
                .map(e -> ((PlatformHttpEndpoint) e).getPath().replaceAll("\\{[^}/]*}", "{}"))
                .collect(Collectors.toCollection(java.util.HashSet::new));
        paths.addAll(edgePaths);
        Map<String, Object> features = new LinkedHashMap<>();
        OPTIONAL.forEach((feature, path) -> features.put(feature, paths.contains(path)));
        features.put("oidcIssuer", oidcIssuer);
        features.put("oidcSignIn", signIn == null ? null : signIn.describe());
        return new ApiResponse(200, "application/json", JSON.writeValueAsBytes(features), HEADERS);
    }

    private static byte[] read(String name) {
        try (InputStream in = ConsoleRoute.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                throw new IllegalStateException("console/" + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
