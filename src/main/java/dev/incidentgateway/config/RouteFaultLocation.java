package dev.incidentgateway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.NamedNode;
import org.apache.camel.NoSuchBeanException;
import org.apache.camel.NoSuchEndpointException;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.EndpointRequiredDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.URISupport;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where in its file a route that Camel could not build is at fault: the step, and the line Camel's YAML DSL recorded for
 * it ({@link NamedNode#getLineNumber()}, set for every node it reads, whether or not source location is enabled: nothing
 * is turned on for this, so running routes pay nothing). Camel's {@link FailedToCreateRouteException} names the route and
 * the top-level step being built, as text and without its line, and nothing when the route's {@code from} failed; the
 * step is found in Camel's model by what failed: the endpoint URI or bean name of the cause, else the step Camel names,
 * else the route's {@code from}.
 */
final class RouteFaultLocation {
    /** Longest step text quoted: a step with nested steps prints them all (a whole {@code choice}). */
    private static final int MAX_STEP_TEXT = 100;

    private final NamedNode node;
    private final String file;

    private RouteFaultLocation(NamedNode node, String file) {
        this.node = node;
        this.file = file;
    }

    /** The step of route {@code routeId} that {@code failure} (thrown while Camel built it) is about; empty for a route not in the model. */
    static Optional<RouteFaultLocation> of(String routeId, Throwable failure, CamelContext context) {
        RouteDefinition route = routeId == null || context == null ? null
                : ((ModelCamelContext) context).getRouteDefinition(routeId);
        if (route == null || route.getInput() == null) {
            return Optional.empty();
        }
        List<NamedNode> steps = new ArrayList<>();
        steps.add(route.getInput());
        steps.addAll(ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), ProcessorDefinition.class));
        String file = RouteFiles.of(route).orElse(null);
        return Optional.of(new RouteFaultLocation(byCause(failure, steps).or(() -> byCamelsText(failure, route))
                .orElse(route.getInput()), file));
    }

    /** {@code file, line N} (the file as Camel names it, {@code file:…} or {@code classpath:…}); the line alone, or the file alone, where one is not known. */
    String where() {
        String line = node.getLineNumber() > 0 ? "line " + node.getLineNumber() : null;
        return file == null ? (line == null ? "" : line) : line == null ? file : file + ", " + line;
    }

    /** The step as Camel prints it ({@code to[nosuch:x]}, {@code Bean[ref:nosuch]}), with any password in a URI masked. */
    String step() {
        String text = node.toString();
        return URISupport.sanitizeUri(text.length() <= MAX_STEP_TEXT ? text : node.getShortName());
    }

    /** The first step (in the order Camel builds them) using the endpoint or bean the failure could not find or set up. */
    private static Optional<NamedNode> byCause(Throwable failure, List<NamedNode> steps) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String uri = t instanceof ResolveEndpointFailedException r ? r.getUri() : t instanceof NoSuchEndpointException n ? n.getUri() : null;
            if (uri != null) {
                String key = normalized(uri);
                Optional<NamedNode> step = steps.stream().filter(s -> s instanceof EndpointRequiredDefinition e
                        && e.getEndpointUri() != null && key.equals(normalized(e.getEndpointUri()))).findFirst();
                if (step.isPresent()) {
                    return step;
                }
            }
            if (t instanceof NoSuchBeanException bean && bean.getName() != null) {
                Optional<NamedNode> step = steps.stream().filter(s -> s instanceof BeanDefinition b && b.getRef() != null
                        && bean.getName().equals(b.getRef().replaceFirst("^#(bean:)?", ""))).findFirst();
                if (step.isPresent()) {
                    return step;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The top-level step Camel's message names ({@code at: >>> to[x] <<<}): the exception keeps it only in its message.
     * Empty when the message names none, i.e. the route's {@code from} failed.
     */
    private static Optional<NamedNode> byCamelsText(Throwable failure, RouteDefinition route) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailedToCreateRouteException && t.getMessage() != null) {
                int from = t.getMessage().indexOf(" at: >>> ");
                int to = t.getMessage().indexOf(" <<< ", from + 1);
                if (from < 0 || to < 0) {
                    return Optional.empty();
                }
                String at = t.getMessage().substring(from + " at: >>> ".length(), to);
                return route.getOutputs().stream().filter(o -> at.equals(o.toString())).<NamedNode>map(o -> o).findFirst();
            }
        }
        return Optional.empty();
    }

    /** A URI as Camel keys its endpoints ({@code timer:x} and {@code timer://x} alike), or as it is where it does not parse. */
    static String normalized(String uri) {
        try {
            return URISupport.normalizeUri(uri.replaceFirst("^([a-z0-9+.-]+):(?!//)", "$1://"));
        } catch (Exception e) {
            return uri;
        }
    }
}
