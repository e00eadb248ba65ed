package com.kartshoppe.feedback.accuracy;

/**
 * One JSON document for {@code ml.feedback-accuracy}: an accuracy report or an adapter update
 * decision, with its Kafka key (the model name). A Flink POJO.
 */
public class JsonReport {

    public String key;
    public String json;

    /** For Flink's POJO serializer. */
    public JsonReport() {}

    public JsonReport(String key, String json) {
        this.key = key;
        this.json = json;
    }

    @Override
    public String toString() {
        return json;
    }
}
