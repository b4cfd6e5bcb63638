/**
 * Fashion-MNIST (Zalando Research, MIT licence): 60,000 training and 10,000 test 28×28 grey-scale images of 10 clothing
 * classes. {@link org.sheetlab.data.fashionmnist.FashionMnist} finds the IDX files, checks their sizes and SHA-256
 * checksums, and serves them as DataSetIterators; {@link org.sheetlab.data.fashionmnist.FashionMnistFetcher} installs
 * them with the project's fetch script when they are missing.
 */
package org.sheetlab.data.fashionmnist;
