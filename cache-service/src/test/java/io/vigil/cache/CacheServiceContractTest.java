package io.vigil.cache;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.RedisServerResource;
import io.vigil.testing.ServiceContractTest;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class CacheServiceContractTest extends ServiceContractTest {

    /** cache-service keeps nothing in MongoDB: no client, and readiness covers Redis only (application.properties). */
    @Override
    protected boolean usesMongo() {
        return false;
    }
}
