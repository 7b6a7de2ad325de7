// kafkajs keeps internals alive after every client reported disconnect (a consumer that
// restarted itself after a crash keeps heart-beating, a broker socket lingers after the
// broker-restart test), so jest would wait minutes for them after the last test. Every
// test closes what it opened and asserts on it; forceExit only cuts that kafkajs tail.
module.exports = { ...require('@streamweave/jest-preset').createConfig(__dirname), forceExit: true };
