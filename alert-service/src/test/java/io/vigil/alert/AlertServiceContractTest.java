package io.vigil.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.testing.RedisServerResource;
import io.vigil.testing.ServiceContractTest;

@QuarkusTest
@QuarkusTestResource(RedisServerResource.class)
class AlertServiceContractTest extends ServiceContractTest {
}
