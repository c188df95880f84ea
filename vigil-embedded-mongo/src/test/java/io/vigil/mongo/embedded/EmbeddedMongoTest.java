package io.vigil.mongo.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;

class EmbeddedMongoTest {

    private static EmbeddedMongoConfig config(Optional<String> dataFile) {
        return new EmbeddedMongoConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Optional<String> dataFile() {
                return dataFile;
            }
        };
    }

    @Test
    void dataSurvivesARestartOnTheSameFile() throws Exception {
        Path file = Files.createTempDirectory("vigil-mongo").resolve("svc/mongo.h2");

        EmbeddedMongo first = new EmbeddedMongo(config(Optional.of(file.toString())), Optional.empty());
        try (MongoClient client = MongoClients.create(first.customize(MongoClientSettings.builder()).build())) {
            client.getDatabase("vigil").getCollection("jobs").insertOne(new Document("_id", "job-1").append("state", "done"));
        } finally {
            first.stop();
        }

        EmbeddedMongo second = new EmbeddedMongo(config(Optional.of(file.toString())), Optional.empty());
        try (MongoClient client = MongoClients.create(second.customize(MongoClientSettings.builder()).build())) {
            MongoCollection<Document> jobs = client.getDatabase("vigil").getCollection("jobs");
            assertThat(jobs.find(new Document("_id", "job-1")).first()).containsEntry("state", "done");
        } finally {
            second.stop();
        }
    }

    @Test
    void aConfiguredConnectionStringIsLeftAlone() {
        EmbeddedMongo embedded = new EmbeddedMongo(config(Optional.empty()), Optional.of("mongodb://db.example:27017"));
        MongoClientSettings.Builder builder = MongoClientSettings.builder();
        assertThat(embedded.customize(builder)).isSameAs(builder);
        assertThat(builder.build().getClusterSettings().getHosts().get(0).getHost()).isEqualTo("127.0.0.1");
    }
}
