package dev.incidentgateway.api;

import dev.incidentgateway.security.RouteAccessPolicy;
import dev.incidentgateway.security.RouteAccessPolicy.Requires;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI document in the jar (api/OpenApiRoute serves it) read by a real OpenAPI parser, and held against the two
 * tables the gateway itself decides by: the scope of each operation (security/RouteAccessPolicy) and the query parameters
 * it takes (api/QueryParameters, which refuses any other). Whether the operations are exactly the gateway's routes, and
 * whether its answers fit the schemas, is api/OpenApiContractIT's part (it needs a running gateway).
 */
class OpenApiDocumentTest {
    private static final String YAML = new String(OpenApiRoute.document(), StandardCharsets.UTF_8);

    static OpenAPI parsed() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        options.setResolveFully(true); // parameters and schemas inlined where they are $ref-erenced
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(YAML, null, options);
        assertThat(result.getMessages()).as("the parser's errors and warnings").isEmpty();
        return result.getOpenAPI();
    }

    /** Every operation of the document as (path, method, operation). */
    record DocumentedOperation(String path, String method, Operation operation) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static List<DocumentedOperation> operations(OpenAPI api) {
        List<DocumentedOperation> out = new ArrayList<>();
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach(
                (method, op) -> out.add(new DocumentedOperation(path, method.name(), op))));
        return out;
    }

    @Test
    void theParserReadsItAsOpenApi31WithoutAnErrorOrWarning() {
        OpenAPI api = parsed();
        assertThat(api.getOpenapi()).isEqualTo("3.1.0");
        assertThat(operations(api)).hasSizeGreaterThan(25);
    }

    @Test
    void eachOperationNamesTheScopeTheRouteAccessPolicyRequires() {
        SoftAssertions soft = new SoftAssertions();
        for (DocumentedOperation op : operations(parsed())) {
            RouteAccessPolicy.Access access = RouteAccessPolicy.access(op.path(), op.method());
            Object documented = op.operation().getExtensions() == null ? null : op.operation().getExtensions().get("x-required-scope");
            if (access instanceof Requires r) {
                soft.assertThat(documented).as("%s x-required-scope", op).isEqualTo(r.scope().wireName());
                soft.assertThat(op.operation().getSecurity()).as("%s takes the API's credentials (document default)", op).isNull();
            } else {
                soft.assertThat(documented).as("%s is not an API-credential route (%s)", op, access).isNull();
                soft.assertThat(op.operation().getSecurity()).as("%s says how it is authenticated, if at all", op).isNotNull();
            }
        }
        soft.assertAll();
    }

    @Test
    void eachApiOperationListsExactlyTheQueryParametersTheGatewayTakes() {
        SoftAssertions soft = new SoftAssertions();
        for (DocumentedOperation op : operations(parsed())) {
            List<String> accepted = QueryParameters.accepted(op.method(), op.path());
            if (!op.path().startsWith("/api/v1/")) {
                continue; // only /api/v1 refuses parameters it does not take
            }
            soft.assertThat(accepted).as("%s is in QueryParameters' table", op).isNotNull();
            List<String> documented = Stream.ofNullable(op.operation().getParameters()).flatMap(List::stream)
                    .filter(p -> "query".equals(p.getIn())).map(Parameter::getName).toList();
            if (accepted != null) {
                soft.assertThat(documented).as("%s query parameters", op).containsExactlyInAnyOrderElementsOf(accepted);
            }
        }
        soft.assertAll();
    }

    @Test
    void theProblemSchemaHasEveryMemberTheGatewayWrites() {
        @SuppressWarnings("unchecked")
        Map<String, ?> properties = parsed().getComponents().getSchemas().get("Problem").getProperties();
        // ProblemMapper.render's members, then every extension member (ApiProblem.withExtras) the main code sets
        assertThat(properties).containsOnlyKeys("type", "title", "status", "detail", "instance", "field", "requiredScope",
                "currentStatus", "attemptedType", "allowedTypes", "expectedSeq", "actualSeq", "acceptedParameters", "eventId");
    }
}
