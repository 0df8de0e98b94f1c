package dev.incidentgateway.ingest;

import dev.incidentgateway.testsupport.JqwikPostgresRequirement;
import dev.incidentgateway.testsupport.TestStore;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/** Skipped visibly without GATEWAY_TEST_PG_URL (see {@link JqwikPostgresRequirement}). */
@AddLifecycleHook(JqwikPostgresRequirement.class)
class InboundFuzzPostgresIT extends InboundFuzzContract {
    @Override
    TestStore.Kind kind() {
        return TestStore.Kind.POSTGRESQL;
    }
}
