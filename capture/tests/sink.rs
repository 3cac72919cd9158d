//! The Kafka sink against librdkafka's mock cluster: acknowledgements, backpressure while
//! brokers are down, and failures that must stop the pipeline (or, when Kafka stays
//! unreachable, restart it). The mock cluster does not create topics, so topic creation that
//! succeeds once brokers return is tested on a real cluster (`tests/tests/capture_kafka_faults.rs`).

use rdkafka::mocking::MockCluster;
use sluice_capture::sink::{KafkaSettings, KafkaSink, Record, RecordSink, SinkError};
use std::time::Duration;

fn sink_for(cluster: &MockCluster<'_, rdkafka::producer::DefaultProducerContext>) -> KafkaSink {
    let mut settings = KafkaSettings::new(cluster.bootstrap_servers());
    settings
        .extra
        .push(("message.timeout.ms".into(), "5000".into()));
    KafkaSink::connect(&settings).expect("producer")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_record_is_acknowledged_in_sequence() {
    let cluster = MockCluster::new(3).expect("mock cluster");
    cluster.create_topic("t1", 3, 3).expect("topic");
    cluster.create_topic("t2", 1, 3).expect("topic");
    let sink = sink_for(&cluster);
    for seq in 1..=2_000u64 {
        let topic = if seq % 2 == 0 { "t1" } else { "t2" };
        let key = seq.to_be_bytes();
        sink.send(Record {
            topic,
            key: Some(&key),
            value: (seq % 10 != 0).then_some(&b"payload"[..]),
            seq,
        })
        .await
        .expect("queued");
    }
    let through = tokio::time::timeout(Duration::from_secs(30), sink.flush())
        .await
        .expect("flush in time")
        .expect("delivered");
    assert_eq!(through, 2_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_acknowledged_while_the_brokers_are_down_and_all_is_after_they_return() {
    let cluster = MockCluster::new(1).expect("mock cluster");
    cluster.create_topic("t", 1, 1).expect("topic");
    let sink = sink_for(&cluster);
    sink.send(Record {
        topic: "t",
        key: None,
        value: Some(b"a"),
        seq: 1,
    })
    .await
    .expect("queued");
    sink.flush().await.expect("first delivered");
    cluster.broker_down(1).expect("down");
    for seq in 2..=50 {
        sink.send(Record {
            topic: "t",
            key: None,
            value: Some(b"b"),
            seq,
        })
        .await
        .expect("queued");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        sink.acked_through(),
        Ok(1),
        "no progress while the broker is down"
    );
    cluster.broker_up(1).expect("up");
    let through = tokio::time::timeout(Duration::from_secs(30), sink.flush())
        .await
        .expect("flush in time")
        .expect("delivered after recovery");
    assert_eq!(through, 50);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_not_delivered_within_the_timeout_is_a_transient_failure_not_skipped() {
    let cluster = MockCluster::new(1).expect("mock cluster");
    cluster.create_topic("t", 1, 1).expect("topic");
    let mut settings = KafkaSettings::new(cluster.bootstrap_servers());
    settings
        .extra
        .push(("message.timeout.ms".into(), "1000".into()));
    let sink = KafkaSink::connect(&settings).expect("producer");
    cluster.broker_down(1).expect("down");
    sink.send(Record {
        topic: "t",
        key: None,
        value: Some(b"x"),
        seq: 1,
    })
    .await
    .expect("queued");
    let result = tokio::time::timeout(Duration::from_secs(30), sink.flush())
        .await
        .expect("flush ends");
    let error = result.expect_err("delivery fails after message.timeout.ms");
    assert!(error.to_string().contains("record 1"), "{error}");
    assert!(
        matches!(error, SinkError::Unreachable(_)),
        "a timeout is transient (the task resumes from its offset), not definite: {error:?}"
    );
    assert!(sink.acked_through().is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_a_topic_while_brokers_stay_down_fails_transiently_after_the_record_timeout() {
    let cluster = MockCluster::new(1).expect("mock cluster");
    let sink = sink_for(&cluster);
    cluster.broker_down(1).expect("down");
    let started = std::time::Instant::now();
    let error = tokio::time::timeout(Duration::from_secs(30), sink.ensure_topic("never"))
        .await
        .expect("ensure_topic gives up")
        .expect_err("no broker to create the topic");
    assert!(
        matches!(error, SinkError::Unreachable(_)),
        "unreachable, not rejected: {error}"
    );
    // It waited about message.timeout.ms (5 s), as a queued record would.
    let waited = started.elapsed();
    assert!(
        (Duration::from_secs(4)..Duration::from_secs(20)).contains(&waited),
        "{waited:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_kafka_refuses_is_a_definite_failure() {
    use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
    let cluster = MockCluster::new(1).expect("mock cluster");
    cluster.create_topic("t", 1, 1).expect("topic");
    let sink = sink_for(&cluster);
    cluster.request_errors(
        RDKafkaApiKey::Produce,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED],
    );
    sink.send(Record {
        topic: "t",
        key: None,
        value: Some(b"x"),
        seq: 1,
    })
    .await
    .expect("queued");
    let error = tokio::time::timeout(Duration::from_secs(30), sink.flush())
        .await
        .expect("flush ends")
        .expect_err("refused");
    assert!(
        matches!(error, SinkError::Delivery { seq: 1, .. }),
        "{error:?}"
    );
}
