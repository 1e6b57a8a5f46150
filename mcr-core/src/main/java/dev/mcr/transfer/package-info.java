/**
 * Internal (not exported): clone, export and import of runners (with their groups and layout), compatible with the
 * original tool's files.
 */
package dev.mcr.transfer;
