package com.kartshoppe.reco.ranking;

import static com.kartshoppe.events.catalog.FeatureCatalog.RECO_V1;

import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.Recommendation;
import com.kartshoppe.events.RecommendedItem;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.inference.scoring.ScoringFunction;
import com.kartshoppe.reco.RecoSettings;
import com.kartshoppe.reco.session.RecoRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Ranks a request's candidates, one row each, by the model's score (adapter applied); keeps the top
 * {@code reco.top-k}, and with probability {@code reco.exploration} puts a candidate ranked below
 * them into the last slot, flagged {@code explored}. Without a model (rules-only mode) the
 * candidates keep their generation order and score 0.
 *
 * <p>The recommendation id comes from the view that asked for it, and exploration draws from a
 * generator seeded by it, so a replay makes the same recommendation. Each shown item's row is
 * logged as a prediction with id {@code <recoId>:<productId>}, its position and its explored flag.
 */
public final class RecoScoring implements ScoringFunction<RankingRequest, RecoOutcome> {

    private static final long serialVersionUID = 1L;

    private final String modelName;
    private final RecoSettings settings;

    public RecoScoring(String modelName, RecoSettings settings) {
        this.modelName = modelName;
        this.settings = settings;
    }

    @Override
    public List<Map<String, Double>> rows(RankingRequest request) {
        List<Map<String, Double>> rows = new ArrayList<>(request.candidates.length);
        for (Candidate c : request.candidates) {
            rows.add(RECO_V1.toMap(c.features));
        }
        return rows;
    }

    @Override
    public RecoOutcome decide(
            RankingRequest request, List<Map<String, Double>> rows, List<Score> scores) {
        RecoRequest r = request.request;
        Slate slate = slate(r.recoId, order(scores, rows.size()));
        int[] shown = slate.candidates();
        List<RecommendedItem> items = new ArrayList<>(shown.length);
        PredictionLog[] predictions = new PredictionLog[scores.isEmpty() ? 0 : shown.length];
        for (int position = 0; position < shown.length; position++) {
            boolean exploredSlot = slate.explored() && position == shown.length - 1;
            int c = shown[position];
            Score score = scores.isEmpty() ? null : scores.get(c);
            String product = request.candidates[c].productId;
            items.add(
                    RecommendedItem.newBuilder()
                            .setProductId(product)
                            .setScore(score == null ? 0 : score.score())
                            .setBaseScore(score == null ? 0 : score.baseScore())
                            .setExplored(exploredSlot)
                            .build());
            if (score != null) {
                predictions[position] =
                        score.log()
                                .setPredictionId(r.recoId + ":" + product)
                                .setUseCase(UseCase.RECO)
                                .setRequestId(r.recoId)
                                .setEntityId(r.userId)
                                .setItemId(product)
                                .setPosition(position)
                                .setExplored(exploredSlot)
                                .setEventTime(Instant.ofEpochMilli(r.eventTime))
                                .setFeatureSet(RECO_V1.name())
                                .setFeatureSetVersion(RECO_V1.version())
                                .setFeatures(rows.get(c))
                                .build();
            }
        }
        Score any = scores.isEmpty() ? null : scores.get(0);
        Recommendation recommendation =
                Recommendation.newBuilder()
                        .setRecoId(r.recoId)
                        .setEventTime(Instant.ofEpochMilli(r.eventTime))
                        .setUserId(r.userId)
                        .setSessionId(r.sessionId)
                        .setTriggerProductId(r.productId)
                        .setItems(items)
                        .setModelName(modelName)
                        .setModelVersion(any == null ? "" : any.modelVersion())
                        .setAdapterVersion(any == null ? 0 : any.adapterVersion())
                        .setCreatedAt(Instant.now())
                        .build();
        return new RecoOutcome(recommendation, predictions);
    }

    /** Candidate indexes by descending score; generation order without scores or on ties. */
    static Integer[] order(List<Score> scores, int n) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (!scores.isEmpty()) {
            Arrays.sort(
                    order, (a, b) -> Double.compare(scores.get(b).score(), scores.get(a).score()));
        }
        return order;
    }

    /** The candidate indexes shown, best first; an explored one last. */
    record Slate(int[] candidates, boolean explored) {}

    Slate slate(String recoId, Integer[] order) {
        int k = Math.min(settings.topK(), order.length);
        int[] shown = new int[k];
        for (int i = 0; i < k; i++) {
            shown[i] = order[i];
        }
        if (order.length > k && settings.exploration() > 0) {
            SplittableRandom random = new SplittableRandom(recoId.hashCode());
            if (random.nextDouble() < settings.exploration()) {
                shown[k - 1] = order[random.nextInt(k, order.length)];
                return new Slate(shown, true);
            }
        }
        return new Slate(shown, false);
    }
}
