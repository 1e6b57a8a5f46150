/**
 * Who may do what: users with roles and PBKDF2 password hashes, login sessions, API tokens, the back-off after failed
 * logins, and the hash-chained audit log, all kept in a {@link dev.mcr.store.Store} through
 * {@link dev.mcr.access.Access}. The server checks requests with it; the command line opens it on a data folder
 * without starting any runner ({@link dev.mcr.access.Access#open(java.nio.file.Path)}).
 */
package dev.mcr.access;
