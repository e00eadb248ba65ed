package com.kartshoppe.reco.ranking;

import static com.kartshoppe.events.catalog.FeatureCatalog.RECO_V1;
import static org.assertj.core.api.Assertions.assertThat;

import com.kartshoppe.events.PredictionLog;
import com.kartshoppe.events.RecommendedItem;
import com.kartshoppe.events.UseCase;
import com.kartshoppe.inference.scoring.Score;
import com.kartshoppe.reco.RecoOptions;
import com.kartshoppe.reco.RecoSettings;
import com.kartshoppe.reco.session.RecoRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** Tests for {@link RecoScoring}. */
class RecoScoringTest {

    private static RecoSettings settings(int topK, double exploration) {
        Configuration conf = new Configuration();
        conf.set(RecoOptions.TOP_K, topK);
        conf.set(RecoOptions.EXPLORATION, exploration);
        return RecoOptions.settings(conf);
    }

    private static RankingRequest request(String recoId, int candidates) {
        RecoRequest r = new RecoRequest();
        r.recoId = recoId;
        r.userId = "u1";
        r.sessionId = "s1";
        r.eventTime = 1_000;
        r.productId = "viewed";
        Candidate[] c = new Candidate[candidates];
        for (int i = 0; i < candidates; i++) {
            double[] row = new double[RECO_V1.size()];
            row[RECO_V1.indexOf("popularity")] = i;
            c[i] = new Candidate("p" + i, "books", row);
        }
        return new RankingRequest(r, c);
    }

    /** Scores rising with the candidate index, so rank order is the reverse of generation. */
    private static List<Score> rising(int n) {
        List<Score> scores = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            scores.add(new Score("reco", "1", 7, i / 100.0, (i + 1) / 100.0));
        }
        return scores;
    }

    @Test
    void showsTheTopKByScoreAndLogsEachShownRow() {
        RecoScoring scoring = new RecoScoring("reco", settings(3, 0));
        RankingRequest request = request("reco-e1", 6);
        List<Map<String, Double>> rows = scoring.rows(request);
        RecoOutcome out = scoring.decide(request, rows, rising(6));

        assertThat(rows).hasSize(6);
        assertThat(rows.get(4)).containsEntry("popularity", 4.0).hasSize(RECO_V1.size());
        assertThat(out.recommendation.getItems())
                .extracting(RecommendedItem::getProductId)
                .containsExactly("p5", "p4", "p3");
        assertThat(out.recommendation.getItems().get(0).getScore()).isEqualTo(0.06);
        assertThat(out.recommendation.getItems().get(0).getBaseScore()).isEqualTo(0.05);
        assertThat(out.recommendation.getRecoId()).isEqualTo("reco-e1");
        assertThat(out.recommendation.getTriggerProductId()).isEqualTo("viewed");
        assertThat(out.recommendation.getModelVersion()).isEqualTo("1");
        assertThat(out.recommendation.getAdapterVersion()).isEqualTo(7);

        assertThat(out.predictions).hasSize(3);
        PredictionLog first = out.predictions[0];
        assertThat(first.getPredictionId()).isEqualTo("reco-e1:p5");
        assertThat(first.getUseCase()).isEqualTo(UseCase.RECO);
        assertThat(first.getRequestId()).isEqualTo("reco-e1");
        assertThat(first.getItemId()).isEqualTo("p5");
        assertThat(first.getPosition()).isZero();
        assertThat(first.getFeatures()).isEqualTo(rows.get(5));
        assertThat(first.getFeatureSet()).isEqualTo("reco_v1");
        assertThat(out.predictions[2].getPosition()).isEqualTo(2);
    }

    @Test
    void withoutAModelCandidatesKeepTheirOrderAndNothingIsLogged() {
        RecoScoring scoring = new RecoScoring("reco", settings(3, 0));
        RankingRequest request = request("reco-e1", 5);
        RecoOutcome out = scoring.decide(request, scoring.rows(request), List.of());

        assertThat(out.recommendation.getItems())
                .extracting(RecommendedItem::getProductId)
                .containsExactly("p0", "p1", "p2");
        assertThat(out.recommendation.getModelVersion()).isEmpty();
        assertThat(out.predictions).isEmpty();
    }

    @Test
    void fewerCandidatesThanKShowsThemAll() {
        RecoScoring scoring = new RecoScoring("reco", settings(10, 1));
        RankingRequest request = request("reco-e1", 4);
        RecoOutcome out = scoring.decide(request, scoring.rows(request), rising(4));
        assertThat(out.recommendation.getItems())
                .hasSize(4)
                .noneMatch(RecommendedItem::getExplored);
    }

    @Test
    void explorationPutsALowerRankedCandidateInTheLastSlotForAboutItsShareOfRequests() {
        RecoScoring scoring = new RecoScoring("reco", settings(3, 0.2));
        int explored = 0;
        for (int i = 0; i < 2000; i++) {
            RankingRequest request = request("reco-e" + i, 10);
            RecoOutcome out = scoring.decide(request, scoring.rows(request), rising(10));
            List<RecommendedItem> items = out.recommendation.getItems();
            assertThat(items).extracting(RecommendedItem::getProductId).doesNotHaveDuplicates();
            assertThat(items.subList(0, 2))
                    .extracting(RecommendedItem::getProductId)
                    .containsExactly("p9", "p8");
            if (items.get(2).getExplored()) {
                explored++;
                // Ranked below the top 3 (p9, p8, p7).
                assertThat(items.get(2).getProductId())
                        .isIn(IntStream.range(0, 7).mapToObj(k -> "p" + k).toList());
                assertThat(out.predictions[2].getExplored()).isTrue();
                assertThat(out.predictions[2].getPosition()).isEqualTo(2);
            } else {
                assertThat(items.get(2).getProductId()).isEqualTo("p7");
            }
        }
        assertThat(explored).isBetween(340, 460);
    }

    @Test
    void theSameRequestIsRankedTheSameWay() {
        RecoScoring scoring = new RecoScoring("reco", settings(3, 0.5));
        for (int i = 0; i < 50; i++) {
            RankingRequest a = request("reco-e" + i, 10);
            RankingRequest b = request("reco-e" + i, 10);
            assertThat(scoring.decide(a, scoring.rows(a), rising(10)).recommendation.getItems())
                    .isEqualTo(
                            scoring.decide(b, scoring.rows(b), rising(10))
                                    .recommendation
                                    .getItems());
        }
    }
}
