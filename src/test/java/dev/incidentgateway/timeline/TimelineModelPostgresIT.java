package dev.incidentgateway.timeline;

import dev.incidentgateway.testsupport.RequirePostgres;
import dev.incidentgateway.testsupport.TestStore;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** The model-based property on a real PostgreSQL server (GATEWAY_TEST_PG_URL; skipped visibly without it, failed in CI). */
@AddLifecycleHook(RequirePostgres.class)
class TimelineModelPostgresIT extends TimelineModelContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
