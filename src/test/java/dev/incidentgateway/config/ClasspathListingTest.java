package dev.incidentgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClasspathListingTest {

    @Test
    void namesTheShippedRoutesInSubFoldersWhenRecursive() {
        assertThat(ClasspathListing.list("routes", true, ".camel.yaml"))
                .contains("routes/inbound/webhooks.camel.yaml", "routes/outbound/slack.camel.yaml",
                        "routes/sla-tracker.camel.yaml")
                .allSatisfy(name -> assertThat(name).startsWith("routes/").endsWith(".camel.yaml"));
    }

    @Test
    void leavesSubFoldersOutWhenNotRecursive() {
        assertThat(ClasspathListing.list("routes", false, ".camel.yaml"))
                .contains("routes/sla-tracker.camel.yaml")
                .noneMatch(name -> name.startsWith("routes/inbound/"));
    }

    @Test
    void keepsOnlyTheSuffixAsked() {
        assertThat(ClasspathListing.list("connectors", false, ".yaml"))
                .contains("connectors/servicenow.yaml")
                .allSatisfy(name -> assertThat(name).endsWith(".yaml"));
        assertThat(ClasspathListing.list("connectors", false, ".no-such-suffix")).isEmpty();
    }
}
