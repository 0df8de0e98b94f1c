package dev.incidentgateway.ingest.poll;

/** The shipped route {@code routes/inbound/jira-poller.camel.yaml}, with the same cases as the ServiceNow one. */
class JiraPollerRouteTest extends PollerRouteTest {
    @Override
    String connector() {
        return "jira";
    }
}
