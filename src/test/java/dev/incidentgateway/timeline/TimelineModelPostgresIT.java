package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.JqwikPostgresRequirement;
import dev.incidentgateway.testsupport.TestStore;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** The model-based property on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it). */
@AddLifecycleHook(JqwikPostgresRequirement.class)
class TimelineModelPostgresIT extends TimelineModelContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
