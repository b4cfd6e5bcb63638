/**
 * WordNet 3.0 (Debian's wordnet-base) as text data: its glosses as an English corpus for character-level language
 * models, its lemmas as a word list for sequence-to-sequence tasks.
 */
package org.sheetlab.data.wordnet;
