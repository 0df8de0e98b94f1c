package dev.incidentgateway.api;

import dev.incidentgateway.security.RouteAccessPolicy;
import dev.incidentgateway.security.Scope;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class RouteAccessTest {
    private static final String OPERATORS = "file:/etc/gateway/routes/mine.camel.yaml";

    /** A route as the YAML loader leaves it: its steps, and the file it came from. */
    private static RouteDefinition route(String id, String file, Consumer<RouteDefinition> steps) {
        RouteDefinition route = new RouteBuilder() {
            @Override
            public void configure() {
            }
        }.from("platform-http:/custom/x?httpMethodRestrict=GET").routeId(id);
        steps.accept(route);
        if (file != null) {
            route.setResource(ResourceHelper.fromString(file, ""));
        }
        return route;
    }

    @Test
    void anOperatorsGetRouteThatAppendsNeedsAdmin() {
        RouteAccess appends = RouteAccess.of("mine", route("mine", OPERATORS, r -> r.setBody().constant("{}").to("timeline:append")));
        assertThat(appends.access("/custom/x", "GET")).isEqualTo(new RouteAccessPolicy.Requires(Scope.ADMIN));
        assertThat(appends.access("/api/v1/mine", "GET")).as("also under the API's read prefix")
                .isEqualTo(new RouteAccessPolicy.Requires(Scope.ADMIN));
    }

    @Test
    void aSendNestedInAChoiceOrAnySendingStepCounts() {
        assertThat(sends(r -> r.choice().when().header("x").to("direct:elsewhere").otherwise().log("no").end())).isTrue();
        assertThat(sends(r -> r.split().body().to("timeline:append").end())).isTrue();
        assertThat(sends(r -> r.toD("${header.target}"))).isTrue();
        assertThat(sends(r -> r.wireTap("timeline:append"))).isTrue();
        assertThat(sends(r -> r.enrich("direct:x"))).isTrue();
        assertThat(sends(r -> r.recipientList(org.apache.camel.builder.Builder.header("to")))).isTrue();
        assertThat(sends(r -> r.doTry().setBody().constant("a").endDoTry().doCatch(Exception.class).to("timeline:append").end())).isTrue();
    }

    @Test
    void aRouteThatOnlyComputesOrLogsKeepsTheDefaultForItsMethod() {
        assertThat(sends(r -> r.removeHeaders("*").setBody().constant("a report").log("served"))).isFalse();
        assertThat(sends(r -> r.to("log:custom"))).isFalse();
        assertThat(sends(r -> r.to("jdbc:gatewayDataSource").marshal().json())).as("the README's read recipe stays read").isFalse();
        assertThat(sends(r -> r.to("http://reports.example/api"))).isFalse();
        RouteAccess report = RouteAccess.of("mine", route("mine", OPERATORS, r -> r.setBody().constant("a report")));
        assertThat(report.access("/custom/x", "GET")).isEqualTo(new RouteAccessPolicy.Requires(Scope.READ));
        assertThat(report.access("/custom/x", "POST")).isEqualTo(new RouteAccessPolicy.Requires(Scope.ADMIN));
    }

    @Test
    void shippedAndJavaRoutesAreDecidedByTheTableAlone() {
        // routes/incident-stats.camel.yaml reads with jdbc: and stays read, as the scope table says.
        RouteAccess stats = RouteAccess.of("incident-stats", route("incident-stats", "classpath:routes/incident-stats.camel.yaml",
                r -> r.to("jdbc:gatewayDataSource")));
        assertThat(stats.access("/api/v1/stats", "GET")).isEqualTo(new RouteAccessPolicy.Requires(Scope.READ));
        RouteAccess java = RouteAccess.of("api-list-incidents", route("api-list-incidents", null, r -> r.to("direct:x")));
        assertThat(java.access("/api/v1/incidents", "GET")).isEqualTo(new RouteAccessPolicy.Requires(Scope.READ));
    }

    @Test
    void onlyTheShippedWebhookIntakeAuthenticatesItself() {
        RouteAccess intake = RouteAccess.of("webhooks", route("webhooks", "classpath:routes/inbound/webhooks.camel.yaml", r -> r.to("timeline:append")));
        assertThat(intake.access("/webhooks/{source}", "POST")).isInstanceOf(RouteAccessPolicy.SelfAuthenticated.class);
        assertThat(intake.access("/webhooks/{source}", "GET")).as("the intake takes POST only")
                .isEqualTo(new RouteAccessPolicy.Requires(Scope.READ));

        RouteAccess sameIdElsewhere = RouteAccess.of("webhooks", route("webhooks", OPERATORS, r -> r.setBody().constant("x")));
        assertThat(sameIdElsewhere.access("/webhooks/{source}", "POST")).isEqualTo(new RouteAccessPolicy.Requires(Scope.ADMIN));
        RouteAccess javaRoute = RouteAccess.of("my-hook", route("my-hook", null, r -> r.setBody().constant("x")));
        assertThat(javaRoute.access("/webhooks/{src}", "POST")).isEqualTo(new RouteAccessPolicy.Requires(Scope.ADMIN));
    }

    private static boolean sends(Consumer<RouteDefinition> steps) {
        return RouteAccess.sendsToAnEndpoint(route("r", OPERATORS, steps));
    }
}
