package com.kartshoppe.reco.ranking;

import com.kartshoppe.reco.session.RecoRequest;

/**
 * A recommendation request with its candidates in generation order (co-view neighbours, then
 * trending in the shopper's categories, then trending overall), ready for one inference call. A
 * Flink POJO.
 */
public class RankingRequest {

    public RecoRequest request;
    public Candidate[] candidates;

    /** For Flink's POJO serializer. */
    public RankingRequest() {}

    public RankingRequest(RecoRequest request, Candidate[] candidates) {
        this.request = request;
        this.candidates = candidates;
    }
}
