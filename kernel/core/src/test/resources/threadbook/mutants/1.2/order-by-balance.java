// fails: a deadlock
void transferSafely(Account from, Account to, long amount) {
    Account lower = from.balance < to.balance ? from : to;   // the balances change: no fixed order
    Account higher = lower == from ? to : from;
    synchronized (lower) {
        synchronized (higher) {
            from.balance -= amount;
            to.balance += amount;
        }
    }
}
