module.exports = require('@streamweave/jest-preset').createConfig(__dirname);
