package com.kartshoppe.reco.candidates;

/**
 * What the {@link CandidateAssembler}s learn by broadcast: a category's {@link Trending} list or a
 * {@link CoView} (exactly one of the two is set). A Flink POJO.
 */
public class CandidateUpdate {

    public Trending trending;
    public CoView coView;

    /** For Flink's POJO serializer. */
    public CandidateUpdate() {}

    public static CandidateUpdate of(Trending trending) {
        CandidateUpdate u = new CandidateUpdate();
        u.trending = trending;
        return u;
    }

    public static CandidateUpdate of(CoView coView) {
        CandidateUpdate u = new CandidateUpdate();
        u.coView = coView;
        return u;
    }
}
