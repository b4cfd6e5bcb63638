/**
 * WordNet 3.0 (Debian's wordnet-base) as text data: its glosses as an English corpus for character-level language
 * models, its lemmas as a word list for sequence-to-sequence tasks ({@link org.sheetlab.data.wordnet.WordNet}), and
 * its synsets' pointers and morphological exception lists ({@link org.sheetlab.data.wordnet.WordNetRelations}), from
 * which the analogy questions of the sheet's "Embedding Analogy" box are generated.
 */
package org.sheetlab.data.wordnet;
