package dev.incidentgateway.connectors.jira;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.incidentgateway.config.GatewayConfig;
import dev.incidentgateway.config.StoreSettings;
import dev.incidentgateway.connectors.http.SinkHttpClient;
import dev.incidentgateway.ingest.poll.PollFailure;
import dev.incidentgateway.ingest.poll.PollPage;
import dev.incidentgateway.outbox.ExternalRef;
import dev.incidentgateway.outbox.ExternalRefs;
import dev.incidentgateway.store.SqlDialect;
import dev.incidentgateway.store.StoreFactory;
import dev.incidentgateway.testsupport.TestStore;
import dev.incidentgateway.timeline.AppendOutcome;
import dev.incidentgateway.timeline.EventType;
import dev.incidentgateway.timeline.SourceProgress;
import dev.incidentgateway.timeline.TimelineEvent;
import dev.incidentgateway.timeline.TimelineStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Shared setup of the Jira poller tests: {@link FakeJira} over real HTTP (camel-http), an H2 store, and the loop
 * {@link dev.incidentgateway.ingest.poll.SourcePoller} runs (poll from the committed watermark, append with the next one).
 */
abstract class JiraPollHarness {
    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    TestStore testStore;
    HikariDataSource dataSource;
    TimelineStore store;
    ExternalRefs refs;
    DefaultCamelContext camel;
    SinkHttpClient http;
    FakeJira jira;

    @BeforeEach
    void start() {
        testStore = TestStore.create(TestStore.Kind.H2);
        GatewayConfig config = testStore.config();
        dataSource = StoreFactory.openAndMigrate(config);
        store = new TimelineStore(dataSource, SqlDialect.forUrl(config.get(StoreSettings.DB_URL)), "dev.incidentgateway", 64, 1000,
                new SimpleMeterRegistry(), testStore.chainKey(),
                List.of(new dev.incidentgateway.outbox.ExternalRefRecorder())); // as the gateway: a declare stores its ticket's ref
        refs = new ExternalRefs(dataSource);
        camel = new DefaultCamelContext(); // HttpClient's own retries: SinkHttpClient turns them off, as in production
        camel.start();
        http = new SinkHttpClient(camel.createProducerTemplate());
        jira = new FakeJira();
    }

    @AfterEach
    void stop() {
        jira.close();
        camel.stop();
        store.close();
        dataSource.close();
        testStore.close();
    }

    JiraPoller poller(Consumer<ObjectNode> edit, Map<String, String> env) {
        JiraPollConfig config = JiraPollConfig.from(JiraFixtures.descriptor(edit).raw(), env);
        return new JiraPoller(config, http, refs, Clock.fixed(T0.plus(Duration.ofHours(2)), ZoneOffset.UTC));
    }

    JiraPoller poller() {
        return poller(raw -> {
        }, jira.env());
    }

    /** What SourcePoller does in one tick: page after page, each appended with its watermark. */
    List<AppendOutcome> sync(JiraPoller poller) throws PollFailure {
        List<AppendOutcome> all = new ArrayList<>();
        PollPage page;
        do {
            page = poller.poll(store.watermark("jira").orElse(null));
            all.addAll(append(page));
        } while (page.more());
        return all;
    }

    /**
     * Appends one page with its watermark under {@code poller:jira}, as SourcePoller stamps it: the store takes a
     * declare's {@code data.externalRef} from that connector's poller only.
     */
    List<AppendOutcome> append(PollPage page) {
        String principal = dev.incidentgateway.security.Principal.poller("jira").name();
        return store.appendPolled(page.events().stream().map(e -> e.withPrincipal(principal)).toList(),
                new SourceProgress("jira", page.nextWatermark()));
    }

    static List<EventType> appended(List<AppendOutcome> outcomes) {
        return outcomes.stream().filter(o -> o.kind() == AppendOutcome.Kind.APPENDED).map(o -> o.event().type()).toList();
    }

    List<EventType> types(String incidentId) {
        return store.timeline(incidentId, null, 100).stream().map(TimelineEvent::type).toList();
    }

    void insertRef(ExternalRef ref) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO external_refs "
                + "(incident_id, connector, external_id, external_key, channel, url, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, ref.incidentId());
            ps.setString(2, ref.connector());
            ps.setString(3, ref.externalId());
            ps.setString(4, ref.externalKey());
            ps.setString(5, ref.channel());
            ps.setString(6, ref.url());
            ps.setObject(7, java.time.OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }
}
