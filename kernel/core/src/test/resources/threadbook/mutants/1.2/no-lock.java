// fails: lock both accounts
void transferSafely(Account from, Account to, long amount) {
    from.balance -= amount;   // no lock: no deadlock, and no safety either
    to.balance += amount;
}
