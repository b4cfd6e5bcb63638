/**
 * Sheet, DNNs as Data Structures, "Dropout at inference (Q4b)": Monte-Carlo dropout, keeping dropout active at test
 * time as a Bayesian ensemble, done so that BatchNorm still uses its running statistics (predictive mean
 * p̄ = 1/T Σ_t p_t [B, C], entropy −Σ_c p̄_c log p̄_c [B]), and the MLP with BatchNorm and dropout it is used on
 * ({@link org.sheetlab.models.uncertainty.McDropoutMlp}, [B, n_in] → [B, 10]).
 */
package org.sheetlab.models.uncertainty;
