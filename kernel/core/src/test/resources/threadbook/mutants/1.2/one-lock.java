// fails: lock both accounts
void transferSafely(Account from, Account to, long amount) {
    synchronized (from) {   // only the account the money leaves: another transfer into `to` races
        from.balance -= amount;
        to.balance += amount;
    }
}
